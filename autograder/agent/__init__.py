"""The sandbox side of the call interface (sent into the kernel as source text)."""
