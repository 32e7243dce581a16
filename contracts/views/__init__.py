"""Contract pages: the contract and its actions (``contracts``), claims (``claims``), change
requests (``changes``) and document downloads (``documents``)."""
