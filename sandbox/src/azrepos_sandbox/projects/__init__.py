"""Projects - List and Git Repositories - List, with continuation-token paging."""
