"""Processors and their contracts (GDPR Art. 28): use cases for the register, contracts
and clause checklists, sub-processors and objection windows, transfers, audits, the
end of a contract, and the documents.

Who may do what: the DPO and legal counsel read and edit everything; auditors read
everything and change nothing; department heads read the processors used by their
departments' processing activities, and do not edit them — a processor contract is
negotiated and signed for the whole entity, so a head asks the DPO or legal counsel.
"""
