"""The interface: Qt models, panels, controllers, dialogs and the main window that assembles them."""
