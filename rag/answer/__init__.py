"""Stage 5, answer: cited answers from retrieved passages; every figure checked against the passage it cites."""
