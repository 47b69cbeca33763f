"""Pure building blocks of the portal pages: words, formatting, the chart and downloads."""
