"""The ground floor: paths, errors, sourced CSV/YAML readers, parameter checks, hashing.

It imports nothing else of `helpers`.
"""
