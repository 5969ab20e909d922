"""Sources → Documents: files, folders, HTML pages, feeds, JSON Lines, URLs, stdin; dates."""
