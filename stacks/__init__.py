"""The aep-connections Pulumi program (``program.py``), its stack config parser (``config.py``) and
the ``Pulumi.<stack>.yaml`` files. Importing this package declares nothing."""
