"""Running a build: the single writer, worker processes and Dask shards, progress, watch."""
