"""Configuration: the config-file layers and thread settings at start-up."""
