"""Retrieval and answer quality: the eval sets of ../shared/eval converted
(``convert_eval``, ``convert_english``), the RESULTS.md quality sections
(``run_eval``), the Postgres store against the local one (``compare_stores``)
and assistant against its peers on one model (``peers``)."""
