"""Huawei Talent / ICT Academy: roster imports and certificate claims, turned into certificate statements."""
