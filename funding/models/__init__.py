from funding.models.budgets import Budget, FundRule
from funding.models.claims import BatchEvent, BatchStatus, Claim, ClaimBatch, ClaimStatus, FraudCase
from funding.models.contracts import Acceptance, AcceptanceKind, ContractPrice, ContractStatus, ContractTerms
from funding.models.ledger import EntryKind, LedgerEntry, LedgerHead

__all__ = [
    "Acceptance",
    "AcceptanceKind",
    "BatchEvent",
    "BatchStatus",
    "Budget",
    "Claim",
    "ClaimBatch",
    "ClaimStatus",
    "ContractPrice",
    "ContractStatus",
    "ContractTerms",
    "EntryKind",
    "FraudCase",
    "FundRule",
    "LedgerEntry",
    "LedgerHead",
]
