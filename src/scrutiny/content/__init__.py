"""What the outputs render: the content model (:mod:`.model`), number formatting in one place
(:mod:`.format`), disclosure control applied to the model (:mod:`.disclosure`) and
spreadsheet-safe CSV cells (:mod:`.safe_csv`). The report and the dashboard only draw it."""
