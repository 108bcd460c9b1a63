"""Reports and papers on the read side: register, leader report, review; no Flask needed."""
