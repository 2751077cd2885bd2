"""The pure decision core: message model, parsing, features, rules and decisions.

Nothing in this package touches the network, the disk, clocks it was not given, or metrics.
"""
