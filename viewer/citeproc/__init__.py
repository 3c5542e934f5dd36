"""citeproc-js in QuickJS and the citations made with it: the one place that knows about JavaScript."""
