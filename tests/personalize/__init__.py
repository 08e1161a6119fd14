"""Tests of pipeline.personalize."""
