"""Tests of pipeline.pdf."""
