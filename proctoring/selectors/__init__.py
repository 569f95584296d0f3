from proctoring.selectors.faces import face_data_count

__all__ = ["face_data_count"]
