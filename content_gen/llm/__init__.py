"""Talking to the model: the seam the pipeline uses, the Gemini client behind it, the limiter."""
