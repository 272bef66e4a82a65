"""Reading a vault: files, frontmatter, links, the note model and the index that resolves links."""
