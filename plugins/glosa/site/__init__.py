"""The site model, engine-free: pages, listings, search, the knowledge-base shell."""
