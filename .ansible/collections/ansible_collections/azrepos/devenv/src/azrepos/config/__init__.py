"""Settings resolution and rendering of gitconfig and ssh config from shared templates."""
