"""QObjects that work off the GUI thread (workers, the citation service, imports); no widgets."""
