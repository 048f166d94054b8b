SERIF_BOLD = "/opt/python/fonts/serif-bold.ttf"
