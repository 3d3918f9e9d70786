"""Plotly figures, one module per chart family. Figures take plain data and a
translator, and never query the database themselves."""
