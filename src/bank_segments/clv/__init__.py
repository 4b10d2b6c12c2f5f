"""Predictive customer lifetime value: BG/NBD + Gamma-Gamma with numpy and scipy."""
