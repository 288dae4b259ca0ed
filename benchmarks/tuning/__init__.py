"""Offline tuning of the shipped constants on the valid splits (never test):
answer sentences, confidence, fusion, the names rule, the not-found
threshold and retrieval."""
