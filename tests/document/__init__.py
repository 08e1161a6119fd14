"""Tests of pipeline.document."""
