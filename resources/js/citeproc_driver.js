/*
 * citeproc_driver.js: the one piece of glue between citeproc-js and NCJRS Reference Viewer.
 *
 * Runs unchanged under Node (scripts/citeproc/render.js, the reference renderer) and under
 * Qt's QJSEngine (viewer/csl_engine.py, the run-time engine), so both sides turn citeproc-js
 * output into entries the same way. Plain ES5, no Node or browser API.
 *
 * NcjrsCite.createEngine(CSL, styleXml, localeXml) -> engine with .render(item), which returns
 *   {bibliography: {text, html}, citation: {text, html}, bibliography_is_citation: bool}
 *
 * - Each render() sees only its own item: the registry is reset to that one item, under an
 *   internal id, so earlier renders cannot leak (no "ibid.", no year suffixes, no
 *   subsequent-author substitution).
 * - citation: makeCitationCluster() for the single item, as Zotero's "copy citation" does; for a
 *   note style (Chicago notes, Bluebook) that is the first, full note.
 * - bibliography: the makeBibliography() entry without its outer <div class="csl-entry">; for a
 *   style with no <bibliography> (Bluebook) the citation stands in for it.
 * - Entries are trimmed of leading and trailing whitespace; nothing else is changed.
 */
var NcjrsCite = (function () {
    "use strict";

    var FORMATS = ["text", "html"];
    var ENTRY_WRAPPER = /^\s*<div class="csl-entry">([\s\S]*)<\/div>\s*$/;

    function trim(s) {
        return String(s).replace(/^\s+|\s+$/g, "");
    }

    function stripEntry(entry) {
        var m = ENTRY_WRAPPER.exec(entry);
        return trim(m ? m[1] : entry);
    }

    function copyItem(item, id) {
        var copy = JSON.parse(JSON.stringify(item));
        copy.id = id;
        return copy;
    }

    function createEngine(CSL, styleXml, localeXml) {
        var items = {};
        var sys = {
            retrieveLocale: function (lang) {
                // Only en-US is bundled; citeproc-js always falls back to it.
                return lang === "en-US" ? localeXml : false;
            },
            retrieveItem: function (id) {
                return items[id];
            }
        };
        var processor = new CSL.Engine(sys, styleXml, "en-US", true);
        // A style without <bibliography> still gets an empty one: look at its tokens.
        var hasBibliography = !!(processor.bibliography && processor.bibliography.tokens.length);
        var counter = 0;

        function render(item) {
            counter += 1;
            var id = "ncjrs-item-" + counter;
            items = {};
            items[id] = copyItem(item, id);
            processor.updateItems([id]);
            var out = {bibliography: {}, citation: {}, bibliography_is_citation: !hasBibliography};
            for (var i = 0; i < FORMATS.length; i++) {
                var fmt = FORMATS[i];
                processor.setOutputFormat(fmt);
                var citation = trim(processor.makeCitationCluster([{id: id}]));
                out.citation[fmt] = citation;
                if (hasBibliography) {
                    var bib = processor.makeBibliography();
                    if (!bib || bib[1].length !== 1) {
                        throw new Error("expected one bibliography entry, got " + (bib ? bib[1].length : "none"));
                    }
                    out.bibliography[fmt] = stripEntry(bib[1][0]);
                } else {
                    out.bibliography[fmt] = citation;
                }
            }
            return out;
        }

        return {render: render, hasBibliography: hasBibliography};
    }

    return {
        createEngine: createEngine,
        processorVersion: function (CSL) { return CSL.PROCESSOR_VERSION; }
    };
})();

if (typeof module === "object" && module && typeof module.exports === "object") {
    module.exports = NcjrsCite;
}
