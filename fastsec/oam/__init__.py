"""Double-RIS-assisted OAM near-field secure communications (paper 002)."""
