"""DPIAs: screening of processing activities, the assessment after the CNIL's method,
its validation, the PDF report and the CNIL PIA JSON interchange.

Who may do what: the DPO and legal counsel edit; only the DPO gives the DPO's
opinion; auditors read; department heads read the DPIAs and screenings of their
departments' activities. A DPIA holds no personal data of data subjects (it describes
a processing), so reading one is not an access to personal data.
"""
