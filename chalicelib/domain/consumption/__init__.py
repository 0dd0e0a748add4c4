"""Consumption (contract section 12): identifiers, report rows and their parsers, the charts' conversion
rule sets and the SNEP certification thresholds. Pure: no boto3, no Chalice; the rule sets and the
thresholds are data files beside this package (`data/`), each with its source."""
