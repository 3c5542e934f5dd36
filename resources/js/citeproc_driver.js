/*
 * citeproc_driver.js: the one piece of glue between citeproc-js and NCJRS Reference Viewer.
 *
 * Runs unchanged under Node (scripts/citeproc/render.js, the reference renderer) and under
 * QuickJS (viewer/csl_engine.py, the run-time engine), so both sides turn citeproc-js
 * output into entries the same way. Plain ES5, no Node or browser API.
 *
 * NcjrsCite.createEngine(CSL, styleXml, locales, lang) -> engine with .render(item), which returns
 *   {bibliography: {text, html}, citation: {text, html}, bibliography_is_citation: bool}
 * and .bibliography(items), one bibliography of several items, which returns
 *   {entries: [{index, id, text, html}, ...], text, html, bibliography_is_citation: bool}
 *
 * - Each render() sees only its own item: the registry is reset to that one item, under an
 *   internal id, so earlier renders cannot leak (no "ibid.", no year suffixes, no
 *   subsequent-author substitution).
 * - citation: makeCitationCluster() for the single item, as Zotero's "copy citation" does; for a
 *   note style (Chicago notes, Bluebook) that is the first, full note.
 * - bibliography: the makeBibliography() entry without its outer <div class="csl-entry">; for a
 *   style with no <bibliography> (Bluebook) the citation stands in for it.
 * - Entries are trimmed of leading and trailing whitespace; nothing else is changed in text.
 * - html: no block inside an entry (one paragraph when pasted into any word processor): the
 *   <div>s citeproc-js makes for display="left-margin", "right-inline", "block" and "indent"
 *   become <span>s of the same class, with the text format's separators: the left-margin label
 *   ("[1]") is followed by a space, a block or indent starts a new line (<br>) unless it starts
 *   the entry. The whitespace citeproc-js puts around those <div>s (HTML layout) goes.
 * - locales: a function(id) -> locale XML (the application's bundle, with its fallback), an
 *   object {id: XML}, or one en-US locale's XML (then no other locale exists); lang is the
 *   locale to render in (default en-US), forced over the style's default-locale: the caller has
 *   already chosen between the two (a dependent style's default-locale wins over its parent's).
 *
 * bibliography(items): all items are registered together, in the order given, which is the
 * order they are first cited: a numeric style without a bibliography <sort> (IEEE) numbers
 * them [1], [2], ... in that order; a style with one (APA, MLA, Chicago, ...) orders them by it
 * (citeproc-js falls back to the order given on equal keys), and cross-item rules apply
 * (year suffixes "2003a", subsequent-author substitution "———", name disambiguation).
 * - entries: in the bibliography's order; index is the item's position in the items given, id
 *   its own id (citeproc-js sees internal ids); text and html as in render().
 * - text: the entries joined by "\n"; html: each entry in its own <div class="csl-entry">
 *   block, joined by "\n" (one paragraph per entry when pasted into a word processor).
 * - A style with no <bibliography> (Bluebook): citeproc-js makes no list of citations, so, much
 *   like Zotero's citation list for such a style, each item's full citation (makeCitationCluster
 *   of that item alone, all items registered), in the order given. (Bluebook has no <sort>.)
 */
var NcjrsCite = (function () {
    "use strict";

    var FORMATS = ["text", "html"];
    // What citeproc-js itself prints for a cite that renders to nothing, also given (in text and
    // html) for an item the style's bibliography leaves out, as it may (a type it does not list).
    var NO_PRINTED_FORM = "[CSL STYLE ERROR: reference with no printed form.]";
    var ENTRY_WRAPPER = /^\s*<div class="csl-entry">([\s\S]*)<\/div>\s*$/;

    // A display <div> with the whitespace citeproc-js's html format puts around it, or its end.
    var DISPLAY_TAG = /(?:\n\n {4}|\n {4})?<div class="csl-(left-margin|right-inline|block|indent)">|<\/div>(\n {2}|\n)?/g;

    function trim(s) {
        return String(s).replace(/^\s+|\s+$/g, "");
    }

    function stripEntry(entry, fmt) {
        var m = ENTRY_WRAPPER.exec(entry);
        var inner = trim(m ? m[1] : entry);
        return fmt === "html" ? inlineDisplay(inner) : inner;
    }

    // citeproc-js's display <div>s inside one entry, as inline <span>s (see the notes above).
    function inlineDisplay(html) {
        var open = [];
        var out = html.replace(DISPLAY_TAG, function (tag, kind, after, offset) {
            if (kind) {
                open.push(kind);
                var lead = (kind === "block" || kind === "indent") && offset > 0 ? "<br>" : "";
                return lead + '<span class="csl-' + kind + '">';
            }
            var closing = open.pop();
            if (closing === undefined) {
                throw new Error("unbalanced </div> in a citeproc-js entry");
            }
            // No whitespace follows a left-margin <div> in citeproc-js's template: any is the entry's.
            return closing === "left-margin" ? "</span> " + (after || "") : "</span>";
        });
        if (open.length) {
            throw new Error("unclosed display <div> in a citeproc-js entry");
        }
        return trim(out);
    }

    function localeRetriever(locales) {
        if (typeof locales === "function") {
            return locales;
        }
        if (typeof locales === "string") {
            return function (id) { return id === "en-US" ? locales : false; };
        }
        return function (id) {
            if (!Object.prototype.hasOwnProperty.call(locales, id)) {
                throw new Error("no locale " + id + " was supplied");
            }
            return locales[id];
        };
    }

    function copyItem(item, id) {
        var copy = JSON.parse(JSON.stringify(item));
        copy.id = id;
        return copy;
    }

    function createEngine(CSL, styleXml, locales, lang) {
        var items = {};
        var sys = {
            // Nothing else is reachable: citeproc-js reads locales and items only through these.
            retrieveLocale: localeRetriever(locales),
            retrieveItem: function (id) {
                return items[id];
            }
        };
        var processor = new CSL.Engine(sys, styleXml, lang || "en-US", true);
        // A style without <bibliography> still gets an empty one: look at its tokens.
        var hasBibliography = !!(processor.bibliography && processor.bibliography.tokens.length);
        var counter = 0;

        // cite: the cite's own data beside the item, e.g. {locator: "4", label: "page"}: CSL puts
        // the pinpoint in the citation cluster, never in the item.
        function render(item, cite) {
            counter += 1;
            var id = "ncjrs-item-" + counter;
            items = {};
            items[id] = copyItem(item, id);
            processor.updateItems([id]);
            var out = {bibliography: {}, citation: {}, bibliography_is_citation: !hasBibliography};
            for (var i = 0; i < FORMATS.length; i++) {
                var fmt = FORMATS[i];
                processor.setOutputFormat(fmt);
                var citeItem = {id: id};
                if (cite && cite.locator) {
                    citeItem.locator = String(cite.locator);
                    citeItem.label = cite.label || "page";
                }
                var citation = stripEntry(processor.makeCitationCluster([citeItem]), fmt);
                out.citation[fmt] = citation;
                if (hasBibliography) {
                    var bib = processor.makeBibliography();
                    if (bib && bib[1].length === 0) {  // the style's bibliography prints nothing for it
                        out.bibliography[fmt] = NO_PRINTED_FORM;
                        continue;
                    }
                    if (!bib || bib[1].length !== 1) {
                        throw new Error("expected one bibliography entry, got " + (bib ? bib[1].length : "none"));
                    }
                    out.bibliography[fmt] = stripEntry(bib[1][0], fmt);
                } else {
                    out.bibliography[fmt] = citation;
                }
            }
            return out;
        }

        function bibliography(list) {
            var ids = [], index = {}, i, k, fmt, id;
            items = {};
            for (i = 0; i < list.length; i++) {
                counter += 1;
                id = "ncjrs-item-" + counter;
                items[id] = copyItem(list[i], id);
                ids.push(id);
                index[id] = i;
            }
            processor.updateItems(ids);
            var entries = null;
            var both = hasBibliography ? bibliographies(CSL, processor) : null;
            for (k = 0; k < FORMATS.length; k++) {
                fmt = FORMATS[k];
                var order = ids, texts = [];
                if (hasBibliography) {
                    var bib = both[fmt];
                    if (bib && bib[1].length < ids.length) {  // it leaves some out (citeproc-js does not say which)
                        throw new Error("the style's bibliography leaves out " + (ids.length - bib[1].length) +
                                        " of these " + ids.length + " records (a field it needs is missing, " +
                                        "or it does not list their kind of work)");
                    }
                    if (!bib || bib[1].length !== ids.length || bib[0].entry_ids.length !== ids.length) {
                        throw new Error("expected " + ids.length + " bibliography entries, got " + (bib ? bib[1].length : "none"));
                    }
                    order = [];
                    for (i = 0; i < ids.length; i++) {
                        order.push(String(bib[0].entry_ids[i][0]));
                        texts.push(stripEntry(bib[1][i], fmt));
                    }
                } else {
                    processor.setOutputFormat(fmt);
                    for (i = 0; i < ids.length; i++) {
                        texts.push(stripEntry(processor.makeCitationCluster([{id: ids[i]}]), fmt));
                    }
                }
                if (entries === null) {
                    entries = [];
                    for (i = 0; i < order.length; i++) {
                        var original = list[index[order[i]]].id;
                        entries.push({index: index[order[i]], id: original === undefined ? null : original});
                    }
                }
                for (i = 0; i < order.length; i++) {
                    if (entries[i].index !== index[order[i]]) {
                        throw new Error("the bibliography's order differs between its text and html forms");
                    }
                    entries[i][fmt] = texts[i];
                }
            }
            var text = [], html = [];
            for (i = 0; i < entries.length; i++) {
                text.push(entries[i].text);
                html.push('<div class="csl-entry">' + entries[i].html + "</div>");
            }
            return {
                entries: entries,
                text: text.join("\n"),
                html: html.join("\n"),
                bibliography_is_citation: !hasBibliography
            };
        }

        return {render: render, bibliography: bibliography, hasBibliography: hasBibliography};
    }

    // makeBibliography() in each format, one after the other: what citeproc-js users do.
    function eachFormat(processor) {
        var out = {};
        for (var k = 0; k < FORMATS.length; k++) {
            processor.setOutputFormat(FORMATS[k]);
            out[FORMATS[k]] = processor.makeBibliography();
        }
        return out;
    }

    var onePass = null;  // set by renderFormatsTogether()

    // What bibliography() takes from makeBibliography()'s answers: the order and the strings.
    function entriesOf(both) {
        var out = {};
        for (var k = 0; k < FORMATS.length; k++) {
            out[FORMATS[k]] = [both[FORMATS[k]][0].entry_ids, both[FORMATS[k]][1]];
        }
        return out;
    }

    function bibliographies(CSL, processor) {
        if (!onePass) {
            return eachFormat(processor);
        }
        var both = togetherOrNull(CSL, processor);
        if (onePass.check) {
            var apart = eachFormat(processor);
            if (!both || JSON.stringify(entriesOf(both)) !== JSON.stringify(entriesOf(apart))) {
                throw new Error("one-pass bibliography differs from citeproc-js's own, one format at a time");
            }
            onePass.check.bibliographies = (onePass.check.bibliographies || 0) + 1;
        }
        return both || eachFormat(processor);
    }

    // A copy of an output queue for one more string(): string() changes the blobs it renders.
    // Blobs, their strings and decorations and lists are copied (shared ones stay shared);
    // anything else (formatters, items) is the same object.
    function copyBlobs(CSL, value, seen) {
        if (value === null || typeof value !== "object") {
            return value;
        }
        var found = seen.get(value);
        if (found !== undefined) {
            return found;
        }
        var copy;
        if (Array.isArray(value)) {
            copy = [];
            seen.set(value, copy);
            for (var i = 0; i < value.length; i++) {
                copy.push(copyBlobs(CSL, value[i], seen));
            }
            return copy;
        }
        var proto = Object.getPrototypeOf(value);
        if (proto !== Object.prototype && proto !== CSL.Blob.prototype && proto !== CSL.NumericBlob.prototype) {
            return value;
        }
        copy = Object.create(proto);
        seen.set(value, copy);
        for (var key in value) {
            if (Object.prototype.hasOwnProperty.call(value, key)) {
                copy[key] = key === "params" || key === "formatter" ? value[key] : copyBlobs(CSL, value[key], seen);
            }
        }
        return copy;
    }

    // Both formats from one makeBibliography(): each entry is laid out once (getCite, the bulk of
    // the work) and its output queue turned into text as well as HTML. Null when an entry came
    // out empty in either format (citeproc-js then skips it or puts an error line in its place):
    // the caller renders each format on its own instead.
    function togetherOrNull(CSL, processor) {
        var output = processor.output;
        var textDecorate = CSL.Mode("text");
        var texts = [], empty = false;
        processor.setOutputFormat("html");
        output.string = function (state, blobs, blob) {
            var string = CSL.Output.Queue.prototype.string;
            if (blob !== undefined || blobs !== output.queue || state.tmp.area !== "bibliography") {
                return string.call(this, state, blobs, blob);
            }
            var copy = copyBlobs(CSL, blobs, new Map());
            var mode = state.opt.mode, decorate = state.fun.decorate;
            state.opt.mode = "text";
            state.fun.decorate = textDecorate;
            var text;
            try {
                text = string.call(this, state, copy)[0];
            } finally {
                state.opt.mode = mode;
                state.fun.decorate = decorate;
            }
            var html = string.call(this, state, blobs);
            texts.push(text);
            empty = empty || !text || !html[0];
            return html;
        };
        var html;
        try {
            html = processor.makeBibliography();
        } finally {
            delete output.string;
        }
        if (empty || !html) {
            return null;
        }
        return {text: [{entry_ids: html[0].entry_ids}, texts], html: html};
    }

    /*
     * renderFormatsTogether(CSL, check): an optional speed-up, used by the application's QuickJS
     * engine and never by the reference renderer. A bibliography is wanted in text and HTML, and
     * citeproc-js lays out every entry again for each format (makeBibliography() once per
     * setOutputFormat()), while only the last step, turning an entry's output queue into a
     * string, depends on the format. With this, bibliography() makes one makeBibliography() in
     * HTML and turns each entry's queue (a copy of it) into text too, with citeproc-js's own
     * text format: the same strings, in about 40 % less time. With check, each bibliography is
     * also made the usual way and a difference throws (the test suite does so over all the
     * offered styles).
     */
    function renderFormatsTogether(CSL, check) {
        onePass = {check: check || null};
    }

    /*
     * indexMacroLookups(CSL, check): an optional speed-up, used by the application's QuickJS engine and
     * never by the reference renderer. citeproc-js finds a macro by name by walking the whole
     * style tree (CSL.XmlJSON.getNodesByName), once for every macro call it compiles, and a <sort>
     * key compiles its macros inline, again and again (APA's keys make some 8,000 such look-ups,
     * Chicago's 7,000-12,000, each walking a tree of thousands of nodes). This answers exactly
     * that call, (the style root, "macro", a name), from an index of the style's macros by name,
     * made on its first use; the nodes are the same objects the walk would return, in the same
     * order. citeproc-js itself is untouched. With check, every answer is also compared with the
     * walk's and a difference throws (the test suite does so over all the offered styles).
     */
    function indexMacroLookups(CSL, check) {
        var proto = CSL.XmlJSON.prototype;
        var walk = proto.getNodesByName;
        if (walk.ncjrsIndexed) {
            return;
        }
        var indexed = function (myjson, name, nameattrval, ret) {
            if (name !== "macro" || !nameattrval || ret || !myjson || myjson !== this.dataObj) {
                return walk.call(this, myjson, name, nameattrval, ret);
            }
            if (this.ncjrsMacroRoot !== myjson) {
                var index = {};
                var all = walk.call(this, myjson, "macro");
                for (var i = 0; i < all.length; i++) {
                    var key = "#" + all[i].attrs.name;
                    (index[key] || (index[key] = [])).push(all[i]);
                }
                this.ncjrsMacroIndex = index;
                this.ncjrsMacroRoot = myjson;
            }
            var found = (this.ncjrsMacroIndex["#" + nameattrval] || []).slice();
            if (check) {
                var walked = walk.call(this, myjson, name, nameattrval);
                var same = walked.length === found.length;
                for (var j = 0; same && j < found.length; j++) {
                    same = walked[j] === found[j];
                }
                if (!same) {
                    throw new Error("macro index differs from the tree for macro " + nameattrval);
                }
                check.lookups = (check.lookups || 0) + 1;
            }
            return found;
        };
        indexed.ncjrsIndexed = true;
        proto.getNodesByName = indexed;
    }

    return {
        createEngine: createEngine,
        indexMacroLookups: indexMacroLookups,
        renderFormatsTogether: renderFormatsTogether,
        processorVersion: function (CSL) { return CSL.PROCESSOR_VERSION; }
    };
})();

if (typeof module === "object" && module && typeof module.exports === "object") {
    module.exports = NcjrsCite;
}
