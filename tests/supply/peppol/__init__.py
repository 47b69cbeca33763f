"""Test tooling: validate generated UBL against the official Peppol BIS Billing 3.0 Schematron."""
