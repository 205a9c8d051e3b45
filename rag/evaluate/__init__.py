"""Stage 8, evaluate: the evaluation run over eval/questions.jsonl, scoring, metrics, thresholds and reports."""
