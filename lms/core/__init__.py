"""What every area stands on: settings, extensions, access, time, money, spreadsheets, forms."""
