"""What kind of machine this is (container, WSL, desktop, headless) and where GCM is installed."""
