"""The course catalogue and the mappings from centres' activity IRIs to catalogue courses."""
