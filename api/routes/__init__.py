"""One router per resource; route functions call carekg.services and hold no SPARQL."""
