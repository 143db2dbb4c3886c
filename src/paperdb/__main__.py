from paperdb.cli import app

app(prog_name="paperdb")
