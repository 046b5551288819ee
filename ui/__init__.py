"""ui: the faces over ``rag.Assistant``: the command line and the Gradio chat page."""
