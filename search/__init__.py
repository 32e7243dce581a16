"""Search: backends (database by default, Elasticsearch when ``ELASTICSEARCH_URL`` is set),
documents and mappings, the query object, indexing tasks and search views (see ARCHITECTURE.md).

Reserved: this package is not yet a Django app and is not in INSTALLED_APPS. Until it is, the
supplier directory filters with plain ORM queries in one place,
``suppliers.selectors._apply_filters``, which is the single function to swap for
``search.query(SearchQuery)``.
"""
