"""The two datestamp granularities of OAI-PMH 2.0 (section 3.3.2), named once.

The harvester's window (harvester/oaiwindow.py) compares what Identify declares
to them; the fixture provider (harvester/provider.py) declares one of them.  A
module of their own, importing nothing, so that the provider, a test peer and demo
server, needs none of the harvester's code to agree with it.
"""

DAY_GRANULARITY = "YYYY-MM-DD"
SECONDS_GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"
