"""Quality control shared by every channel: text helpers, common rules, the judge and the bar.

Each channel's own rules live with the channel (`content_gen/channels/`).
"""
