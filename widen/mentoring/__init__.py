"""Mentoring: matching students and pupils with professional and alumni mentors."""
