"""The periodic reports (进展情况), campaign summaries and final reports: figures, text
templates, generation on schedule and on demand, and their pages."""
