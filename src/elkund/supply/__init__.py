"""The supplier side (SFS 2023:242): suppliers, products, contracts, prices, billing, invoices."""
