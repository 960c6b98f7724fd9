"""Charts as one list of rectangles and texts (canvas.Drawing), written out as SVG or rasterised to PNG
by Pillow (pure Python wheels, no browser, no Cairo): the evidence gap map and an innovation's profile."""
