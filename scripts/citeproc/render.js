#!/usr/bin/env node
/*
 * render.js: the reference CSL renderer (npm "citeproc", i.e. citeproc-js, pinned in package-lock.json).
 *
 * Usage:
 *   node render.js < request.json
 *   node render.js STYLE.csl LOCALE.xml ITEMS.json      (ITEMS.json: a JSON array of CSL-JSON items)
 *
 * Request on stdin: {"style_xml": "<style ...>", "locale_xml": "<locale ...>", "items": [CSL-JSON, ...]}
 *
 * Prints one JSON object on stdout:
 *   {"citeproc": {"npm_version": "2.4.63", "processor_version": "1.4.61"},
 *    "has_bibliography": true,
 *    "results": [{"id": <item id>, "bibliography": {"text": ..., "html": ...},
 *                 "citation": {"text": ..., "html": ...}, "bibliography_is_citation": false}, ...]}
 *
 * Items are rendered one after another with one engine; each render sees only its own item.
 * The turning of citeproc-js output into entries (outer <div class="csl-entry"> stripped,
 * citation standing in for the bibliography of a style that has none) lives in
 * resources/js/citeproc_driver.js, which the application's QJSEngine runs too.
 */
"use strict";

const fs = require("fs");

// citeproc-js reports oddities with console.log; keep stdout for the JSON answer.
console.log = (...args) => process.stderr.write(args.join(" ") + "\n");
const path = require("path");
const CSL = require("citeproc");
const NcjrsCite = require(path.join(__dirname, "..", "..", "resources", "js", "citeproc_driver.js"));

function readRequest(argv) {
    if (argv.length === 3) {
        return {
            style_xml: fs.readFileSync(argv[0], "utf8"),
            locale_xml: fs.readFileSync(argv[1], "utf8"),
            items: JSON.parse(fs.readFileSync(argv[2], "utf8")),
        };
    }
    if (argv.length !== 0) {
        process.stderr.write("usage: node render.js [STYLE.csl LOCALE.xml ITEMS.json] (or a request on stdin)\n");
        process.exit(2);
    }
    return JSON.parse(fs.readFileSync(0, "utf8"));
}

function main() {
    const request = readRequest(process.argv.slice(2));
    const engine = NcjrsCite.createEngine(CSL, request.style_xml, request.locale_xml);
    const results = request.items.map((item) => Object.assign({id: item.id === undefined ? null : item.id}, engine.render(item)));
    const npmVersion = require("citeproc/package.json").version;
    process.stdout.write(JSON.stringify({
        citeproc: {npm_version: npmVersion, processor_version: NcjrsCite.processorVersion(CSL)},
        has_bibliography: engine.hasBibliography,
        results: results,
    }) + "\n");
}

main();
