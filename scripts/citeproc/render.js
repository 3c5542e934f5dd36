#!/usr/bin/env node
/*
 * render.js: the reference CSL renderer (npm "citeproc", i.e. citeproc-js, pinned in package-lock.json).
 *
 * Usage:
 *   node render.js < request.json
 *   node render.js STYLE.csl LOCALE.xml ITEMS.json      (ITEMS.json: a JSON array of CSL-JSON items)
 *   node render.js --bibliography STYLE.csl LOCALE.xml ITEMS.json   (one bibliography of all the items)
 *
 * Request on stdin: {"style_xml": "<style ...>", "locale_xml": "<locale ...>", "items": [CSL-JSON, ...]}
 * or, for another locale, "locales": {locale id: XML, ...} (every id citeproc-js may ask for; one
 * it asks for and is not there is an error) instead of "locale_xml", and "lang": "de-DE".
 *
 * Prints one JSON object on stdout:
 *   {"citeproc": {"npm_version": "2.4.63", "processor_version": "1.4.61"},
 *    "has_bibliography": true,
 *    "results": [{"id": <item id>, "bibliography": {"text": ..., "html": ...},
 *                 "citation": {"text": ..., "html": ...}, "bibliography_is_citation": false}, ...]}
 *
 * Items are rendered one after another with one engine; each render sees only its own item.
 *
 * Bibliographies of several items: add "mode": "bibliography" to the request (or pass
 * --bibliography) and the answer has, instead of "results", one
 *   "bibliography": {"entries": [{"index", "id", "text", "html"}, ...], "text": ..., "html": ...,
 *                    "bibliography_is_citation": false}
 * of all the items, ordered as the full style orders them; or give "bibliographies": [[items],
 * [items], ...] and the answer has "bibliographies": [one such object per list], all from one
 * engine (each sees only its own list).
 * The turning of citeproc-js output into entries (outer <div class="csl-entry"> stripped,
 * citation standing in for the bibliography of a style that has none) lives in
 * resources/js/citeproc_driver.js, which the application's QuickJS engine runs too.
 */
"use strict";

const fs = require("fs");

// citeproc-js reports oddities with console.log; keep stdout for the JSON answer.
console.log = (...args) => process.stderr.write(args.join(" ") + "\n");
const path = require("path");
const CSL = require("citeproc");
const NcjrsCite = require(path.join(__dirname, "..", "..", "resources", "js", "citeproc_driver.js"));

function readRequest(argv) {
    const bibliography = argv[0] === "--bibliography";
    const files = bibliography ? argv.slice(1) : argv;
    if (files.length === 3) {
        const request = {
            style_xml: fs.readFileSync(files[0], "utf8"),
            locale_xml: fs.readFileSync(files[1], "utf8"),
            items: JSON.parse(fs.readFileSync(files[2], "utf8")),
        };
        if (bibliography) {
            request.mode = "bibliography";
        }
        return request;
    }
    if (argv.length !== 0) {
        process.stderr.write(
            "usage: node render.js [[--bibliography] STYLE.csl LOCALE.xml ITEMS.json] (or a request on stdin)\n");
        process.exit(2);
    }
    return JSON.parse(fs.readFileSync(0, "utf8"));
}

function main() {
    const request = readRequest(process.argv.slice(2));
    const engine = NcjrsCite.createEngine(CSL, request.style_xml, request.locales || request.locale_xml, request.lang);
    const npmVersion = require("citeproc/package.json").version;
    const answer = {
        citeproc: {npm_version: npmVersion, processor_version: NcjrsCite.processorVersion(CSL)},
        has_bibliography: engine.hasBibliography,
    };
    if (request.bibliographies) {
        answer.bibliographies = request.bibliographies.map((items) => engine.bibliography(items));
    } else if (request.mode === "bibliography") {
        answer.bibliography = engine.bibliography(request.items);
    } else {
        answer.results = request.items.map(
            (item) => Object.assign({id: item.id === undefined ? null : item.id}, engine.render(item)));
    }
    process.stdout.write(JSON.stringify(answer) + "\n");
}

main();
