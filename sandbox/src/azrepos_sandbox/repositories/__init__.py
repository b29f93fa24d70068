"""Repositories - Create and Delete, Forks - List and Pushes - Create."""
