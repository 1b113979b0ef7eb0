"""Mentoring's writes: every change goes through here, under the policy, and is audited."""
